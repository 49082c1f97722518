SITEGEN_SEARCH_CHUNK("w/6d-61",{"machine":"0","machinegenerated":"0","main":"3","matches":"0","material":"0"});
