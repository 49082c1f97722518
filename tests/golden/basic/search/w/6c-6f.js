SITEGEN_SEARCH_CHUNK("w/6c-6f",{"lost":"0","low":"3","lower":"0","lowresource":"3"});
